# Rules for explain/ and the annotations it prints, included by the top
# Makefile.am. Add with +=.
