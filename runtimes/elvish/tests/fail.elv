fail 'failed on purpose'
