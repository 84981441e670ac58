-- The CLI's .import reads the job's stdin as rows.
CREATE TABLE input(a INTEGER, b INTEGER);
.separator " "
.import /dev/stdin input
SELECT a + b FROM input;
