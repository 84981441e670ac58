create line 80 allot
: sum-line ( -- )
  line 80 stdin read-line throw drop  ( length )
  line swap evaluate + 0 .r cr ;
sum-line
