# Functions, types and variables share one namespace, as in Julia: a function's or type's name
# cannot be assigned, a variable's cannot get methods or become a type, and calling a variable's
# value is a MethodError.
f(x) = 1
f = 2
#---
println(f(1))
#---
g = 1
g(x) = 2
#---
println(g, " ", g(1))
#---
P(x) = 1
struct P
  x::Float64
end
#---
println(P(2))
#---
struct Q
  x::Int64
end
Q = 3
#---
abstract type Shape end
Shape = 1
#---
h = 5
abstract type h end
#---
const c = 1
c(x) = 2
#---
function apply(n)
  abs = 2
  abs(n)
end
apply(1)
#---
sq(x) = x * x
println(sq(3), " ", Q(4), " ", g + 1, " ", abs(-2))
