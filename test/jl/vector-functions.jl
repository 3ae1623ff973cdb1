# first, last, isempty, collect and sum of vectors, for any element type.
v = [3, 1, 2]
println(first(v), " ", last(v), " ", isempty(v), " ", isempty(Int64[]), " ", isempty([]), " ", first(["a"]), " ", last(Any[1, "z"]))
println(sum(v), " ", sum(Int64[]), " ", sum(Float64[]), " ", sum([0.1, 0.2, 0.3]), " ", sum([-0.0]), " ", sum([true, false, true]), " ", sum(Bool[]))
println(sum([9223372036854775807, 1]), " ", sum(Any[1, 2.5]), " ", sum(["a"]), " ", sum([1.5]), " ", sum(Union{Int64, Nothing}[1, 2]))
w = collect(v)
push!(w, 4)
println(v, " ", w, " ", typeof(collect(Any[1])), " ", collect(Float64[]), " ", collect([[1], [2]]) == [[1], [2]], " ", collect(v) === v)
# Julia sums an array pairwise in blocks of 1024: the halves of 2048 elements are summed
# separately, so the 1024 ones survive next to 2^53 (a left fold would lose each of them).
big = [9007199254740992.0]
for i in 2:1024
  push!(big, 0.0)
end
for i in 1:1024
  push!(big, 1.0)
end
println(sum(big), " ", length(big))
#---
# Values known only at run time, and user methods extending the prelude's.
xs = Any[[1, 2], [1.5], String[], 1:4]
for x in xs
  print(first(xs[1]), isempty(x), length(collect(x)), " ")
end
println()
total(v) = sum(v)
println(total(Any[[1, 2]][1]), " ", total([0.5, 0.25]), " ", total(2:2:6))
struct Stack
  items::Vector{Int64}
end
first(s::Stack) = last(s.items)
sum(s::Stack) = sum(s.items) * 10
println(first(Stack([1, 2])), " ", sum(Stack([1, 2])), " ", first([7, 8]), " ", sum([7, 8]))
println(isa([1], AbstractVector), " ", isa(1:2, AbstractVector), " ", isa(1, AbstractVector))
#---
first([])
#---
last([])
#---
sum(Any[])
#---
f(v) = sum(v)
f(String[])
#---
sum(["a", "b"])
#---
collect(nothing)
#---
println(1)
"a" > 1
