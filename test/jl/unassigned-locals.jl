# Reading a local that no assignment has reached raises UndefVarError, whatever its type.
function maybe(c)
  if c
    x = 1
  end
  x
end
function smaybe(c)
  if c
    s = "a"
  end
  s
end
function fmaybe(c)
  if c
    return 1.5
  else
    v = 2.5
  end
  v
end
function counted(n)
  while n > 0
    n -= 1
    last = n
  end
  0
end
println(maybe(true), " ", smaybe(true), " ", fmaybe(false), " ", counted(3))
#---
println(maybe(false))
#---
println(smaybe(false))
#---
function k()
  for j in 1:3
    y = j
  end
  y
end
println(k())
#---
function decl()
  local q
  q
end
println(decl())
#---
function plus(c)
  if c
    n = 1
  end
  n += 1
  n
end
println(plus(true))
#---
println(plus(false))
