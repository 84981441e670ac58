x <- scan(file("stdin"), what = integer(), quiet = TRUE)
cat(sum(x), "\n", sep = "")
