/* placeholder until the module lands */
#include "common/link.h"
