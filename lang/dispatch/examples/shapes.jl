# An example program: a shape hierarchy, dynamic dispatch over a heterogeneous vector,
# a user method on +, and a method added later that invalidates compiled code.
abstract type Shape end
struct Circle <: Shape
  r::Float64
end
struct Rect <: Shape
  w::Float64
  h::Float64
end
area(c::Circle) = 3.141592653589793 * c.r * c.r
area(r::Rect) = r.w * r.h

struct Vec2
  x::Float64
  y::Float64
end
+(a::Vec2, b::Vec2) = Vec2(a.x + b.x, a.y + b.y)

function total_area(shapes::Vector{Shape})
  s = 0.0
  for sh in shapes
    s += area(sh)
  end
  s
end

shapes = Shape[Circle(1.0), Rect(2.0, 3.0), Circle(0.5)]
println("total area: ", total_area(shapes))
println("moved: ", Vec2(1.0, 2.0) + Vec2(0.5, -1.0))

fib(n::Int64) = n < 2 ? n : fib(n - 1) + fib(n - 2)
println("fib(25) = ", fib(25))

# A new kind of shape, added after total_area was compiled: its dispatch cache learns it.
struct Square <: Shape
  s::Float64
end
area(s::Square) = s.s * s.s
push!(shapes, Square(2.0))
println("with a square: ", total_area(shapes))
