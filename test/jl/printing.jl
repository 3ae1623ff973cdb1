# Printing as Julia prints: floats in e-notation outside 1e-4 <= |x| < 1e6, strings quoted inside
# containers, vectors with their element type unless the elements imply it, structs at any depth.
println(1.0e6, " ", 1234567.0, " ", 1.0e15, " ", float(9007199254740993), " ", 100000.0, " ", 999999.0)
println(123456.789, " ", 0.0001, " ", 1.0e-5, " ", 0.00012, " ", -1.5e-7, " ", 5.0e-324, " ", 1.7976931348623157e308)
println(0.1 + 0.2, " ", 2.0 / 3.0, " ", -0.0, " ", 1.0e16, " ", 1.0e-4 * 3, " ", -2.5e6)
println([1, 2], " ", [1.5, 2.0e6], " ", ["a", "b"], " ", [nothing])
println([true, false], " ", Int64[], " ", Float64[], " ", String[], " ", Any[], " ", Any[1, "a"], " ", Any[true])
abstract type S end
struct C <: S end
struct P <: S
  x::Int64
  ok::Bool
end
println(S[C()], " ", [C(), C()], " ", [P(1, true)], " ", S[P(2, false), C()], " ", P(3, true))
w = Vector{Vector{Any}}()
push!(w, Any[1])
println([[1, 2], [3]], " ", [Int64[]], " ", [[true]], " ", w, " ", Union{Int64, String}[1, "a"])
println(["a\$b", "q\"x", "t\tz\n", "back\\slash", "nul\0"])
mutable struct Node
  val::Int64
  next::Any
end
n = Node(1, Node(2, Node(3, Node(4, Node(5, Node(6, Node(7, Node(8, Node(9, Node(10, nothing))))))))))
println(n)
c = Node(1, nothing)
c.next = c
println(c)
v = Any[1]
push!(v, v)
println(v)
println("interpolated: $([1, 2]) $(["x"]) $(1.0e7) $(Any[true]) $("s")")
