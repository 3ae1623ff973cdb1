# A loop over a vector nested in another loop starts over on each entry.
function pairs_count(xs)
  n = 0
  for a in xs
    for b in xs
      n += 1
    end
  end
  n
end
println(pairs_count([1, 2, 3]))
function twice(v)
  s = 0
  i = 0
  while i < 2
    for x in v
      s += x
    end
    i += 1
  end
  s
end
println(twice([1, 2, 3]))
function dyn_pairs(xs::Vector{Any})
  n = 0
  for a in xs
    for b in a
      n += b
    end
  end
  n
end
println(dyn_pairs(Any[[1, 2], [3], Int64[]]))
function grid()
  m = 0
  for a in [1, 2]
    for b in [10, 20, 30]
      m += a * b
    end
  end
  m
end
println(grid())
