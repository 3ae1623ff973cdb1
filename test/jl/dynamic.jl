# A dynamic call typed from the methods it can reach, and what happens when a new method returns
# something else: the code that relied on it is rebuilt.
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
function total(v::Vector{Shape})
  t = 0.0
  for x in v
    t += area(x)
  end
  t
end
shapes = Shape[Circle(1.0), Rect(2.0, 2.0)]
println(total(shapes))
struct Dot <: Shape end
area(d::Dot) = 1
push!(shapes, Dot())
println(total(shapes))
area(d::Dot) = nothing
println(total(shapes))
