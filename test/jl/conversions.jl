# Values stored in typed places (fields, elements, declared variables and results) are converted
# as Julia's convert does: numbers exactly, whether or not their type is known when compiling.
struct Pt
  x::Float64
  n::Int64
end
println(Pt(1, 2.0), " ", Pt(true, false))
mk(v) = Pt(v[1], v[2])
println(mk(Any[2, 3.0]))
mutable struct M
  x::Float64
  b::Bool
end
m = M(1.0, true)
m.x = 2
m.b = 0
println(m)
a = Any[M(1.0, false)]
a[1].x = 3
println(a[1])
function setx(c)
  c[1].x = 4
  c[1]
end
println(setx(Any[M(1.0, false)]))
v = Int64[]
push!(v, 3.0)
push!(v, true)
w = Float64[1.5]
w[1] = 2
push!(w, 7)
println(v, " ", w, " ", Float64[1, 2], " ", Int64[1.0, 2])
pushit(c) = push!(c[1], 2)
println(pushit(Any[Float64[1.5]]))
function setit(c)
  c[1][1] = 7
  c[1]
end
println(setit(Any[Float64[1.5]]))
f(x)::Float64 = x
function g(x)::Int64
  return x * 2.0
end
function h()
  x::Float64 = 1
  x = 2
  typeof(x)
end
println(f(1), " ", g(3), " ", h(), " ", typeof(f(2)))
#---
println(g(1.25))
#---
Pt("s", 1)
#---
m.b = 2
#---
push!(v, 2.5)
#---
println(v, " ", m)
