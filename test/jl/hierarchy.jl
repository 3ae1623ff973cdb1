# An abstract hierarchy four levels deep; the most specific method wins.
abstract type Animal end
abstract type Mammal <: Animal end
abstract type Dog <: Mammal end
struct Beagle <: Dog
  name::String
end
struct Cat <: Mammal
  name::String
end
struct Fish <: Animal
  name::String
end
speak(a::Animal) = "..."
speak(m::Mammal) = "hmm"
speak(d::Dog) = "woof"
describe(a::Animal) = string(a.name, " says ", speak(a))
for a in Animal[Beagle("Snoopy"), Cat("Tom"), Fish("Nemo")]
  println(describe(a))
end
println(Beagle("x") isa Mammal, " ", Fish("y") isa Mammal, " ", typeof(Cat("z")))
