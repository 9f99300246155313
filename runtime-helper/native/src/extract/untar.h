/* berth-fsops untar: unpacks a layer tar from stdin into a directory it has chrooted into. */
#ifndef BERTH_UNTAR_H
#define BERTH_UNTAR_H

int untar_main(int argc, char **argv);

#endif
