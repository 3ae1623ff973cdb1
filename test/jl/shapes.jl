# Dynamic dispatch over a vector of abstract element type.
abstract type Shape end
struct Circle <: Shape
  r::Float64
end
struct Rect <: Shape
  w::Float64
  h::Float64
end
area(c::Circle) = 3.0 * c.r * c.r
area(r::Rect) = r.w * r.h
function total(shapes::Vector{Shape})
  s = 0.0
  for x in shapes
    s += area(x)
  end
  s
end
v = Shape[Circle(1.0), Rect(2.0, 3.0)]
push!(v, Circle(2.0))
println(total(v))
println(length(v), " ", v[2])
