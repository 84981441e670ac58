#import <Foundation/Foundation.h>

@interface Adder : NSObject
+ (long)add:(long)a to:(long)b;
@end

@implementation Adder
+ (long)add:(long)a to:(long)b { return a + b; }
@end

int main(void) {
    NSAutoreleasePool *pool = [[NSAutoreleasePool alloc] init];
    long a, b;
    if (scanf("%ld %ld", &a, &b) != 2) return 1;
    NSString *sum = [NSString stringWithFormat:@"%ld", [Adder add:a to:b]];
    printf("%s\n", [sum UTF8String]);
    [pool drain];
    return 0;
}
