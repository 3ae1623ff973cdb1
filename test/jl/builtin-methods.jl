# length and push! reach the program's methods for other types, also when the argument's type
# is known only at run time; length of a string counts its characters.
# (Methods of length and push! extend the builtin ones, as `Base.length(...) = ...` would in Julia.)
struct Stack
  items::Vector{Int64}
end
length(s::Stack) = length(s.items)
push!(s::Stack, x::Int64) = push!(s.items, x)
s = Stack([1, 2])
println(length(s))
push!(s, 5)
println(length(s), " ", length("héllo"), " ", length(""))
things = Any[s, [1, 2, 3], "abc"]
for t in things
  println(length(t))
end
function addall(xs)
  for t in xs
    if !(t isa String)
      push!(t, 9)
    end
  end
end
addall(things)
println(length(s), " ", things[2])
struct Q end
#---
println(length(Any[Q()][1]))
