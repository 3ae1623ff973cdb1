# in, ∈ and ∉: vectors compare each element with ==, integer ranges check bounds and step.
println(1 in [1.0], " ", 1.0 ∈ [2, 1], " ", 3 ∉ [1, 2], " ", in(2, [1, 2]), " ", ∉(2, [1, 2]))
nan = 0.0 / 0.0
inf = 1.0 / 0.0
println(nan in [nan], " ", nan in Any[1, nan], " ", -0.0 in [0.0], " ", "b" in ["a", "b"], " ", "b" in [1, 2])
println(2 in Int64[], " ", nothing in [1, nothing], " ", [1] in [[1], [2]], " ", [3] in Any[[1], 2])
println(2.0 in 1:3, " ", 2.5 in 1:3, " ", 4 in 1:3, " ", 0 in 1:3, " ", 1 in 5:4, " ", nan in 1:3, " ", inf in 1:3)
println(5 in 1:2:9, " ", 4 in 1:2:9, " ", 11 in 1:2:9, " ", -1 in 1:2:9, " ", 7.0 in 9:-2:1, " ", 8 in 9:-2:1, " ", 9 in 9:-2:1)
println(-7 in -9:2:-1, " ", -8 in -9:2:-1, " ", 1 in 1:2:0, " ", 9223372036854775807 in 0:3:9223372036854775807, " ", 9223372036854775806 in 0:3:9223372036854775807)
println(-9223372036854775807 in -9223372036854775807:9223372036854775807:9223372036854775807, " ", 0 in -9223372036854775807:9223372036854775807:9223372036854775807)
println(0.3 in 0.1:0.1:0.5, " ", 1 in 0.0:0.5:2.0, " ", 0.25 in 0.0:0.5:2.0, " ", 3 in 0.0:0.5:2.0, " ", 2.0 in 2.0:-0.5:0.0, " ", 1.0 in 1.0:0.0, " ", nan in 0.0:1.0)
println("a" in 1:3, " ", true in 1:3, " ", 2 in Any[1:3][1], " ", 1 ∈ 1:3 ∈ [1:3], " ", 1 < 2 in [2], " ", 3 > 2 ∉ [2])
x = 3
if x in [1, 2, 3] && !(x in 4:6)
  println("found ", x)
end
for i ∈ 1:3
  print(i in [2] ? "y" : "n")
end
println()
#---
# Values of types known only at run time, and in inside methods.
has(v, x) = x in v
vs = Any[[1, 2], 1:3, 0.0:0.5:1.0, ["a"]]
for v in vs
  print(has(v, 1), " ", has(v, "a"), " ")
end
println()
struct Bag
  items::Vector{Int64}
end
in(x, b::Bag) = x in b.items
println(2 in Bag([1, 2]), " ", 3 ∈ Bag([1, 2]), " ", 3 ∉ Bag([1, 2]))
#---
struct Opaque end
1 in Opaque()
#---
"a" ∉ nothing
#---
# A vector type of the program's own, with no way to iterate it: the error is placed at this
# statement, not at the prelude method's line.
struct MyV <: AbstractVector
  n::Int64
end
println(2 in MyV(3))
