# Adding a method changes what an existing specialisation of a caller must call.
f(x::Any) = 1
g(x) = f(x)
println(g(1), " ", g(1.5))
f(x::Int64) = 2
println(g(1), " ", g(1.5))
f(x::Int64) = 3
println(g(1))
