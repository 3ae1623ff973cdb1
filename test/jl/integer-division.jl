# Integer division and remainder truncate, and raise DivideError where wasm would trap.
println(-7 ÷ 2, " ", -7 % 3, " ", 7 % -3, " ", 7 ÷ -2)
m = -9223372036854775807 - 1
println(m % -1, " ", m ÷ 1)
safediv(a, b) = b == 0 ? 0 : a ÷ b
println(safediv(7, 0), " ", safediv(7, 2))
#---
println(1 ÷ 0)
#---
println(1 % 0)
#---
println(m ÷ -1)
#---
x = 5
x ÷= 0
#---
println(x)
