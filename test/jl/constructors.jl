# A struct's constructors are a generic function: outer constructors add methods to it, the
# default ones convert their arguments, and a struct's fields may refer to the struct itself.
struct Pt
  x::Float64
  y::Float64
end
Pt(x::Float64) = Pt(x, 0.0)
Pt(s::String) = Pt(length(s) * 1.0)
println(Pt(1.5), " ", Pt(1, 2), " ", Pt("abc"), " ", Pt(2.5, 1))
origin() = Pt(0.0)
println(origin())
mutable struct Node
  val::Int64
  next::Union{Node, Nothing}
end
Node(v::Int64) = Node(v, nothing)
function len(n)
  k = 0
  while n !== nothing
    k += 1
    n = n.next
  end
  k
end
list = Node(1, Node(2, Node(3)))
println(list, " ", len(list))
struct Tree
  kids::Vector{Tree}
end
leaf() = Tree(Tree[])
t = Tree([leaf(), Tree([leaf()])])
println(length(t.kids), " ", t)
anyargs(v) = Pt(v[1], v[2])
println(anyargs(Any[1, 2.5]))
println(Float64(3), " ", Int64(4.0), " ", Int64(true), " ", Float64(false))
struct Pt
  x::Float64
  y::Float64
end
println(Pt(3.0))
const K = 1
const K = 1
println(K)
#---
Pt(1, 2, 3)
#---
Int64(2.5)
