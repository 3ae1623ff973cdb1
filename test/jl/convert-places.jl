# Storing a number in a place typed Union{Nothing, T} or AbstractFloat converts it as Julia's
# convert does: convert(Union{Nothing, Float64}, 1) is 1.0, convert(AbstractFloat, 1) is 1.0.
println([1, nothing, 2.5])
#---
m(v) = [v[1], v[2], v[3]]
println(m(Any[true, nothing, 2]))
#---
v = Union{Nothing,Float64}[]
push!(v, 2)
println(v)
#---
mutable struct Slot
  x::Union{Nothing,Float64}
end
s = Slot(nothing)
s.x = 1
println(s.x)
#---
struct Real1
  x::AbstractFloat
end
println(Real1(1))
#---
function f()
  y::AbstractFloat = 1
  y
end
println(f())
#---
mutable struct Slot3
  x::Union{Nothing,Float64}
  y::AbstractFloat
  z::Union{Nothing,Int64}
end
s = Slot3(nothing, 1, true)
println(s.x, " ", s.y, " ", s.z)
xs = Any[s]
function setall(q, v)
  q.x = v
  q.y = v
  q.z = v
  q
end
println(setall(xs[1], 2).x)
println(setall(xs[1], true).z)
w = Any[Union{Nothing,Float64}[]]
function pushit(ws, v)
  push!(ws[1], v)
  ws[1][1] = v
  ws[1]
end
println(pushit(w, 3))
println(pushit(w, true))
println(setall(xs[1], 2.5).z)
