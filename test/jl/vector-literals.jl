# A vector literal's element type promotes its elements' types, as Julia's: numbers widen
# (Bool < Int64 < Float64), nothing makes a union, vectors promote their elements, other types
# meet at their common supertype; decided on the values when their types are known only then.
println([1, 2.5], " ", typeof([1, 2.5]), " ", [true, 2], " ", [1.5, true])
println(typeof([1, nothing]), " ", [1, nothing], " ", typeof(["a", nothing]), " ", typeof([nothing, nothing]))
abstract type Shape end
struct Circle <: Shape
  r::Float64
end
struct Sq <: Shape
  s::Float64
end
println(typeof([Circle(1.0), Sq(2.0)]), " ", typeof([Circle(1.0)]), " ", typeof([1, "a"]), " ", typeof([1, Circle(1.0)]))
area(c::Circle) = c.r
area(s::Sq) = s.s
function total(v::Vector{Shape})
  t = 0.0
  for x in v
    t += area(x)
  end
  t
end
println(total([Circle(1.0), Sq(2.0)]))
function pick(c)
  y = c ? 1 : "a"
  [y]
end
println(typeof(pick(true)), " ", typeof(pick(false)), " ", pick(true))
mixed(v) = [v[1], v[2]]
println(mixed(Any[1, 2.5]), " ", typeof(mixed(Any[1, 2.5])), " ", typeof(mixed(Any[Circle(1.0), Sq(1.0)])), " ", typeof(mixed(Any[1, "b"])))
println(typeof([[1], [2.5]]), " ", [[1], [2.5]], " ", typeof([]), " ", typeof([Int64[], [1]]))
