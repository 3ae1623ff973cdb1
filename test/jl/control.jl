# if/elseif/else, while with break and continue, && and ||, ternaries, nested loops.
function sign(x::Int64)
  if x > 0
    1
  elseif x < 0
    -1
  else
    0
  end
end
println(sign(5), " ", sign(-3), " ", sign(0))
function firstsquare(limit::Int64)
  i = 0
  while true
    i += 1
    if i % 2 == 0
      continue
    end
    if i * i > limit
      break
    end
  end
  i
end
println(firstsquare(50))
count = 0
for i in 1:4
  for j in 1:4
    if i < j && (i + j) % 2 == 1 || i == j
      count += 1
    end
  end
end
println(count)
println(3 > 2 ? "yes" : "no", " ", 1 < 2 < 3, " ", 1 < 3 < 2)
