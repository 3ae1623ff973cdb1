# Mutual recursion, untyped parameters, nested vectors, equality of immutable structs,
# globals read at call time, a linked list through an Any field, powers and integer division.
iseven2(n::Int64) = n == 0 ? true : isodd2(n - 1)
isodd2(n::Int64) = n == 0 ? false : iseven2(n - 1)
println(iseven2(10), " ", isodd2(7))
function collatz(n)
  steps = 0
  while n != 1
    if n % 2 == 0
      n = n ÷ 2
    else
      n = 3 * n + 1
    end
    steps += 1
  end
  steps
end
println(collatz(27), " ", collatz(1))
m = Vector{Vector{Int64}}()
push!(m, [1, 2])
push!(m, [3])
println(m)
struct P
  x::Int64
end
println(P(1) == P(1), " ", P(1) === P(2), " ", "ab" == "ab", " ", 1 == 1.0, " ", 1 === 1.0)
x = 10
addx(y::Int64) = y + x
println(addx(5))
x = 20
println(addx(5))
mutable struct Node
  value::Int64
  next::Any
end
function sumlist(n)
  s = 0
  while n !== nothing
    s += n.value
    n = n.next
  end
  s
end
println(sumlist(Node(1, Node(2, Node(3, nothing)))))
println(2^10, " ", -7 ÷ 2, " ", -7 % 2, " ", abs(-2.5), " ", sqrt(16.0))
