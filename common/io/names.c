/* placeholder until the module lands */
#include "common/io/names.h"
