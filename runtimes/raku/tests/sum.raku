my ($a, $b) = get.words;
say $a + $b;
