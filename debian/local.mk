# Rules for debian/, included by the top Makefile.am: the Debian package's
# files and its test go into the release tarball, so that the package can
# be built from it too. tests/package.sh builds and installs the package
# (root); ./bootstrap.sh check runs it after make check.
EXTRA_DIST += debian/changelog debian/control debian/copyright debian/rules \
	debian/source/format \
	debian/tcplab.lintian-overrides debian/tcplab.postinst \
	tests/package.sh
