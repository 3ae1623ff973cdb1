# Errors met while generating code are the program's errors, raised when the code runs, and
# leave the session usable: what failed to compile is forgotten.
bad(v) = v[1, 2]
maybe(v, c) = c ? bad(v) : 0
println(maybe([1, 2], false))
#---
bad([1, 2])
#---
f(x) = x
callf(c) = f(c ? 1 : 2.5, 1)
println(callf(true))
#---
mk() = Union{Int64, String}[1, "a"]
println(length(mk()))
h(v) = v[1] isa Vector{Float64}
println(h(Any[1]), " ", h(Any[[2.5]]))
addi(a::Int64, b::Int64) = a + b
addi(a::Int64, b::Float64) = a + b
f9(a, b, c, d, e, f, g, h, i) = addi(a, i)
V = Any[1, 2]
println(f9(V[1], 1, 1, 1, 1, 1, 1, 1, V[2]), " ", f9(V[1], 1, 1, 1, 1, 1, 1, 1, 2.5))
#---
println(f9(V[1], 1, 1, 1, 1, 1, 1, 1, "s"))
#---
println("alive ", maybe([1], false))
#---
println("printed only if ", "all arguments are computed: ", bad([1]))
