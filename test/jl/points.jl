# User methods on + and *, immutable and mutable structs, field mutation.
struct Point
  x::Float64
  y::Float64
end
+(a::Point, b::Point) = Point(a.x + b.x, a.y + b.y)
*(k::Float64, p::Point) = Point(k * p.x, k * p.y)
mutable struct Counter
  n::Int64
end
function bump!(c::Counter)
  c.n += 1
  c
end
p = Point(1.0, 2.0) + Point(0.5, 0.5)
println(p)
println(2.0 * p)
c = Counter(0)
for i in 1:5
  bump!(c)
end
println(c.n)
println(1 + 2, " ", 1.5 + 2)
