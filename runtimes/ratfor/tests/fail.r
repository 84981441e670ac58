integer n
n = undeclared_function(
end
