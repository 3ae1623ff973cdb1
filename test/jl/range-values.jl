# Ranges as values: UnitRange and StepRange objects made by a:b and a:s:b, their accessors,
# indexing, collect and sum, printing as Julia shows them, == with ranges and vectors, loops over
# a range held in a variable, and ranges passed to functions, dispatched on and stored.
r = 1:10
s = 1:2:9
d = 10:-3:1
e = 5:1
println(r, " ", s, " ", d, " ", e, " ", 10:2:1, " ", 1:2:10)
println(typeof(r), " ", typeof(s), " ", typeof(e))
println(length(r), " ", first(r), " ", last(r), " ", step(r), " ", isempty(r))
println(length(s), " ", first(s), " ", last(s), " ", step(s), " ", isempty(s))
println(length(d), " ", last(d), " ", step(d), " ", length(e), " ", isempty(e), " ", isempty(10:2:1), " ", length(10:2:1))
println(r[1], " ", r[10], " ", s[3], " ", d[4], " ", collect(s), " ", collect(d), " ", collect(e))
println(sum(r), " ", sum(s), " ", sum(d), " ", sum(e), " ", sum(-3:3), " ", sum(1:1000000))
println(r == 1:10, " ", 1:3 == [1, 2, 3], " ", [1, 3] == 1:2:3, " ", 1:3 == 1:1:3, " ", e == 7:2, " ", 1:3 == 1:4, " ", 1:3 != 2:4)
# Compared as arrays: one element each, whatever the steps; 1.0:1.0 is the float one.
println(1:1 == 1:2:1, " ", 5:3:6 == 5:5, " ", 1:2:1 == 2:2, " ", 1.0:1.0 == 1.0:2.0:2.0, " ", 1:0 == 3:2:1)
println((1:3) === (1:3), " ", (1:3) === (1:1:3), " ", collect(1:3) == 1:3)
println("in a string: $(2:4)", " ", string(1:3:7))
println([1:3], " ", [1:3, 2:4], " ", Any[1:3, 5, 1:2:5], " ", [1:3, 1:2:5])
function total(x)
  t = 0
  for i in x
    t += i
  end
  t
end
println(total(r), " ", total(s), " ", total(e), " ", total(9223372036854775806:9223372036854775807) == -3)
for i in d
  print(i, " ")
end
println()
describe(x::UnitRange{Int64}) = "UnitRange"
describe(x::StepRange{Int64, Int64}) = "StepRange"
describe(x::AbstractRange) = "some range"
describe(x) = "no range"
println(describe(r), " ", describe(s), " ", describe(0.5:1.5), " ", describe([1, 2]))
println(r isa AbstractRange, " ", isa(s, StepRange), " ", typeof(r) == UnitRange{Int64}, " ", r isa Vector{Int64})
struct Box
  x
end
struct Span
  r::UnitRange{Int64}
end
b = Box(2:2:8)
p = Span(3:5)
println(b, " ", p, " ", p.r.start, " ", p.r.stop, " ", b.x[2], " ", length(b.x), " ", total(b.x))
items = Any[1:3, 2:-1:1, [7, 8]]
for it in items
  for x in it
    print(x, ",")
  end
  println(" length ", length(it), " first ", it[1])
end
between(v::Vector{Any}) = v[1]:v[2]
println(between(Any[1, 4]), " ", typeof(between(Any[2, 1])), " ", collect(between(Any[2, 1])))
function count(v::Vector{Any})
  n = 0
  for x in v[1]:v[2]:v[3]
    n += 1
  end
  n
end
println(count(Any[1, 2, 9]), " ", UnitRange(2, 4), " ", StepRange(1, 3, 10))
struct Steps
  r::StepRange{Int64, Int64}
end
steps(n) = Steps(n > 0 ? (1:n) : error("no steps"))
println(Steps(1:3), " ", steps(2), " ", Steps(5:4).r == 1:0)
# A loop over a range held as Any counts in i64: 2^32 elements are not none.
function third(v::Vector{Any})
  n = 0
  for x in v[1]
    n += 1
    n == 3 && return x
  end
  n
end
println(third(Any[4294967296:-1:1]), " ", third(Any[[5, 6, 7]]), " ", length(Any[1:10000000000][1]))
# Indexing checks the element against the ends, as Julia does, not the length (which wraps for
# these two): m:M has 2^64 elements.
M = 9223372036854775807
m = -M - 1
println((m:M)[3], " ", (m:2:M)[2], " ", (m:M)[1], " ", (M - 1:M)[2])
#---
steps(0)
#---
function never()
  x::StepRange{Int64, Int64} = error("never a range")
  x
end
never()
#---
r = 1:10
r[11]
#---
(1:2:9)[0]
#---
(10:-3:1)[5]
#---
x = Any[1:3][1]
x[4]
#---
r = 1:0:5
#---
f(v) = v[1]:v[2]:v[3]
f(Any[1, 0, 5])
#---
r = 1:"a"
#---
g(v) = v[1]:v[2]
g(Any[1, "a"])
#---
push!(1:3, 4)
#---
step([1, 2, 3])
#---
# A loop over parts no range is made of: the same MethodError as outside a loop.
for i in 1:"a"
  println(i)
end
#---
# collect refuses what cannot fit the 4 GiB heap before making anything, as Julia allocates first.
collect(1:10000000000)
#---
println(length(collect(1:100000)), " ", sum(collect(1:3)))
