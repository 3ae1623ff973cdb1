# Ranges in for loops: every step size, empty ranges, the last value reached without overflowing
# past typemax, start, step and stop evaluated in order, and a zero step refused.
function collect_range(a, s, b)
  v = Int64[]
  for i in a:s:b
    push!(v, i)
  end
  v
end
println(collect_range(1, 2, 10), " ", collect_range(10, -3, 1), " ", collect_range(1, 1, 0), " ", collect_range(5, -1, 6))
println(collect_range(0, 5, 5), " ", collect_range(3, 7, 3), " ", collect_range(1, 100, 50))
function count_to_max()
  n = 0
  last = 0
  for i in 9223372036854775806:9223372036854775807
    n += 1
    last = i
  end
  println(n, " ", last)
end
count_to_max()
function count_down_to_min()
  n = 0
  for i in -9223372036854775807:-1:-9223372036854775807 - 1
    n += 1
  end
  n
end
println(count_down_to_min())
mutable struct Log
  s::String
end
function note(l::Log, x, tag)
  l.s = string(l.s, tag)
  x
end
function order()
  l = Log("")
  n = 0
  for i in note(l, 1, "a"):note(l, 2, "b"):note(l, 5, "c")
    n += i
  end
  string(l.s, n)
end
println(order())
#---
for i in 5:0:1
  println(i)
end
