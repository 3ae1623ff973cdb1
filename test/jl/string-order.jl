# Strings order as Julia orders them, by code points (JavaScript's < compares UTF-16 units,
# which puts U+1F600 before U+FF61).
println("a" < "b", " ", "b" > "a", " ", "abc" <= "abd", " ", "ab" < "abc", " ", "b" >= "ba", " ", "" < "a", " ", "｡" < "😀", " ", "x" == "x")
words = ["pear", "apple", "fig"]
m = words[1]
for w in words
  if w < m
    m = w
  end
end
println(m)
#---
println(1 < "a")
