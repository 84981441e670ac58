#import <Foundation/Foundation.h>

int main(void) {
    return [NoSuchClass answer];
}
