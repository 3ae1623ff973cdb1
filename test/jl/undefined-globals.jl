# A global is defined by the first assignment that completes: one that fails, or never runs,
# leaves it undefined.
x = error("no")
#---
println(x)
#---
z = [1, 2][3]
#---
println(z)
#---
y = 5
#---
y = error("no")
#---
println(y)
#---
if false
  w = 1
end
#---
println(w)
#---
if true
  println(v)
  v = 1
end
#---
println(v)
