# A Union with a member more specific than T is more specific than T (JuliaLang/julia#16489),
# though neither is a subtype of the other; argument by argument as Julia ranks signatures.
describe(x::Integer) = "integer"
describe(x::Union{Int64,Nothing}) = "maybe int"
println(describe(1), " ", describe(true), " ", describe(nothing))
#---
f(x::Union{Int64,String}) = 1
f(x::Real) = 2
println(f(1), " ", f(2.5), " ", f("s"))
#---
abstract type A end
struct C2 <: A end
struct C3 end
g(x::Any, y::A) = "any-A"
g(x::C3, y::Union{C2,Real}) = "C3-union"
println(g(C3(), C2()), " ", g(1, C2()), " ", g(C3(), 1))
#---
h(x::Union{Int64,String}, y::Int64) = 1
h(x::Int64, y::Real) = 2
println(h("a", 1), " ", h(1, 2.5))
h(1, 1)
#---
k(v) = describe(v[1])
println(k(Any[1]), " ", k(Any[false]))
