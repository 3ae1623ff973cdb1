# Recursive numeric code on Int64, bound statically all the way down.
fib(n::Int64) = n < 2 ? n : fib(n - 1) + fib(n - 2)
function fact(n::Int64)
  r = 1
  for i in 1:n
    r *= i
  end
  r
end
println(fib(20))
println(fact(20))
println(fib(10) + fact(5))
