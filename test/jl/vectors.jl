# Vector{Int64}: literals, push!, indexing, assignment into an index, length, a sum loop.
function sumsq(v::Vector{Int64})
  s = 0
  for x in v
    s += x * x
  end
  s
end
v = [1, 2, 3]
push!(v, 4)
v[1] = 10
println(v, " ", length(v), " ", sumsq(v))
w = Vector{Float64}()
for i in 1:3
  push!(w, i / 2)
end
println(w)
println(v[5])
