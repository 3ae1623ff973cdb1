# Inside [...] a space before + or - and none after starts a new element, as in Julia ([1 -2] is
# a 1x2 matrix there, which this subset refuses); spaced both ways or not at all, it is binary,
# and inside parentheses or a call's arguments spaces do not matter.
x = 3
println([x - 1], [x-1], [x- 1], [x + 1], [(x -1)], [abs(x -1)], [x, -1])
v = [10, 20, 30]
println(v[x - 1], " ", v[x-1], " ", abs(x -1))
#---
println([1 -2])
#---
println([x +1])
#---
println(Float64[x -1])
#---
println(v[x -1])
#---
# A new line directly inside [...] starts a new row, as in Julia ([1⏎-2] is [1; -2] there): refused,
# not read as 1 - 2; a line ending with an operator, a comma or inside parentheses goes on.
w = [
  x -
  1, (x
  - 2),
]
println(w, [x +
  1])
#---
println([x
-2])
