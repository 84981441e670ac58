MODULE main;

FROM STextIO IMPORT WriteString, WriteLn;
FROM SWholeIO IMPORT ReadInt, WriteCard;

VAR
   a, b, sum: INTEGER;
BEGIN
   ReadInt(a);
   ReadInt(b);
   sum := a + b;
   IF sum < 0 THEN
      WriteString("-");
      sum := -sum
   END;
   WriteCard(sum, 0);
   WriteLn
END main.
