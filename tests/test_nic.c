#include "ss_test.h"
int main(void){ss_test_plan(0);return ss_test_done();}
