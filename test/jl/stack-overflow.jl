# Recursion deeper than the engine's stack is Julia's StackOverflowError; the session goes on.
down(n) = n == 0 ? 0 : 1 + down(n - 1)
println(down(1000))
#---
println(down(10000000))
#---
println("alive ", down(10))
