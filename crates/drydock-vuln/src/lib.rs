//! drydock-vuln
