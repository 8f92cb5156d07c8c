/* Several common symbols (-fcommon): GNU ld allocates them in its symbol hash order. */
int alpha; int beta[3]; char gamma_; short delta; long long epsilon; int zeta[10]; char eta[5];
int kernel_main(void) { return alpha + beta[1] + gamma_ + delta + (int)epsilon + zeta[2] + eta[1]; }
