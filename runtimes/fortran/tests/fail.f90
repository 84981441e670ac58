program main
    integer :: n
    n = 'not a number'
end program main
