read -l a b
math $a + $b
