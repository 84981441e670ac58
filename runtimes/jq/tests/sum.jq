. + input
