/* placeholder until the module lands */
#include "common/seg.h"
