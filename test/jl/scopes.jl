# for and while bodies are scopes: the loop variable is always a new local, and so is a name a
# loop assigns that no enclosing scope has (fresh in every iteration).
function f()
  i = 0
  for i in 1:3
  end
  i
end
println(f())
function g()
  total = 0
  for i in 1:3
    sq = i * i
    total += sq
  end
  total
end
println(g())
function shared(n)
  if n < 0
    y = 0
  end
  for i in 1:n
    y = i
  end
  y
end
println(shared(3))
function w()
  k = 0
  while k < 3
    k += 1
    last = k
  end
  k
end
println(w())
function nested()
  s = 0
  for i in 1:2
    acc = 0
    for j in 1:3
      acc += j
    end
    s += acc * i
  end
  s
end
println(nested())
i = 10
for i in 1:3
end
println(i)
for j in 1:2
  t = j * 10
end
#---
println(t)
#---
function fresh()
  for i in 1:2
    if i == 2
      println(z)
    end
    z = i
  end
end
fresh()
#---
println(shared(0))
