# while loops, % and ÷, early return.
function gcd(a::Int64, b::Int64)
  while b != 0
    t = b
    b = a % b
    a = t
  end
  return a
end
println(gcd(1071, 462))
println(gcd(17, 5))
println(100 ÷ 7, " ", 100 % 7, " ", 7 / 2)
