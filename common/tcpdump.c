/* placeholder until the module lands */
#include "common/tcpdump.h"
