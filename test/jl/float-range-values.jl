# Float64 ranges as values (Julia's StepRangeLen): its type's name, printing first:step:last as
# the range computes them, accessors, exact elements and sum, loops over a range in a variable,
# promotion with integer ranges, and the errors indexing and a zero step raise.
f = 0.1:0.1:0.5
println(f, " ", typeof(f))
println(length(f), " ", first(f), " ", last(f), " ", step(f), " ", isempty(f), " ", f[3], " ", collect(f))
println(1.0:3, " ", collect(1.0:3), " ", 1:0.5:2, " ", 0.0:0.1:0.35, " ", length(0.0:0.1:0.35))
e = 1.0:0.0
println(e, " ", isempty(e), " ", length(e), " ", collect(e))
println(sum(f), " ", sum(0.1:0.1:0.3), " ", sum(0.0:0.1:1.0), " ", sum(e), " ", sum(1.0:3))
println(f == [0.1, 0.2, 0.3, 0.4, 0.5], " ", 1.0:3.0 == 1:3, " ", f == 0.1:0.1:0.5, " ", e == 3.0:1.0, " ", f == 0.1:0.1:0.4)
println([0.5:1.5], " ", [1:3, 0.5:1.5])
function total(r)
  t = 0.0
  for x in r
    t += x
  end
  t
end
println(total(f), " ", total(e), " ", total(0.0:0.25:1.0))
for x in f
  print(x, " ")
end
println()
between(v::Vector{Any}) = v[1]:v[2]
println(between(Any[1, 2.5]), " ", between(Any[0.5, 2]), " ", collect(between(Any[1.5, 3.0])))
items = Any[0.25:0.25:1.0, 1:2]
for it in items
  for x in it
    print(x, ",")
  end
  println(" ", it[length(it)])
end
#---
(0.1:0.1:0.5)[6]
#---
r = 0.0:0.0:1.0
#---
h(v) = v[1]:v[2]:v[3]
h(Any[1.0, 0, 5])
