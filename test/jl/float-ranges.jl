# Ranges with a Float64 endpoint or step iterate as Julia's StepRangeLen: each element is
# computed from the range (0.1:0.1:0.5 reaches 0.3 and 0.5 exactly), not accumulated.
function items(a, s, b)
  v = Float64[]
  for x in a:s:b
    push!(v, x)
  end
  v
end
for i in 1.0:3.0
  println(i)
end
for i in 1:0.5:2
  println(i)
end
println(items(0.1, 0.1, 0.5))
println(items(0.0, 0.1, 1.0))
println(items(1.0, -0.25, 0.0), " ", items(3.0, 1.0, 1.0), " ", items(2.0, 1, 2.0))
println(items(0.0, 1 / 3, 1.0))
println(items(0.0, sqrt(2.0), 5.0))
println(items(-1.5, 0.7, 1.5))
function total(n)
  s = 0.0
  for x in 1:0.5:n
    s += x
  end
  s
end
println(total(3), " ", total(0))
#---
items(1.0, 0.0, 2.0)
#---
function unrun()
  for i in 1.0:error("stop never computed")
    println(i)
  end
end
unrun()
